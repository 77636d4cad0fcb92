#pragma once
// The cell grid behind the in-process live-locations store: the globe cut into cells of a fixed
// size in degrees (rows of latitude, columns of longitude that wrap at the antimeridian), and
// the rings of cells around a point that a nearest search visits, nearest ring first, with a
// distance no point of a ring can be nearer than, so that the search knows when to stop.

#include <cstdint>

#include "modules/deliveries/live/live_locations.hpp"

namespace nelo::deliveries {

class GeoGrid {
 public:
  // 0.002 degrees: about 220 m north-south and 150 m east-west at Paris' latitude, a handful
  // of drivers per cell in a dense city, so that the nearest ten are found in the first rings.
  static constexpr double kDefaultCellDegrees = 0.002;

  explicit GeoGrid(double cell_degrees = kDefaultCellDegrees);

  struct Cell {
    std::int32_t row = 0;     // latitude band
    std::int32_t column = 0;  // longitude band, in [0, columns())

    bool operator==(const Cell&) const = default;
  };

  Cell cell_of(GeoPoint point) const;
  static std::int64_t key_of(Cell cell) noexcept {
    return (static_cast<std::int64_t>(cell.row) << 32) | static_cast<std::uint32_t>(cell.column);
  }

  // Calls `visit` for each cell of ring `ring` around `center`'s cell (ring 0: that cell;
  // ring r: the cells r rows or r columns away), skipping rows more than `max_row_offset` away
  // and rows beyond the poles; no cell twice, even where columns wrap round the globe.
  template <class Visit>
  void for_each_in_ring(Cell center, int ring, int max_row_offset, Visit&& visit) const {
    auto column = [&](int offset) {
      auto c = (static_cast<std::int64_t>(center.column) + offset) % columns_;
      return static_cast<std::int32_t>(c < 0 ? c + columns_ : c);
    };
    for (int dr = -ring; dr <= ring; ++dr) {
      if (dr > max_row_offset || -dr > max_row_offset) continue;
      auto row = static_cast<std::int64_t>(center.row) + dr;
      if (row < 0 || row >= rows_) continue;
      if (dr == -ring || dr == ring) {
        for (int dc = -ring; dc <= ring; ++dc) visit(Cell{static_cast<std::int32_t>(row), column(dc)});
      } else {
        visit(Cell{static_cast<std::int32_t>(row), column(-ring)});
        visit(Cell{static_cast<std::int32_t>(row), column(ring)});
      }
    }
  }

  // A distance in metres that no point in ring `ring` or beyond is nearer to `center` than,
  // for points at most `radius_m` away (which bounds how far toward a pole they can lie).
  double ring_lower_bound_m(GeoPoint center, int ring, double radius_m) const;

  // Rows a point `radius_m` away can be from the center's row.
  int max_row_offset(double radius_m) const;

  // The last ring that visits no column twice (past it, the whole globe has been visited).
  int last_ring() const noexcept { return (columns_ - 1) / 2; }

  std::int32_t columns() const noexcept { return columns_; }

 private:
  double cell_degrees_;
  std::int32_t columns_;  // longitude bands; column 0 starts at -180
  std::int32_t rows_;     // latitude bands; row 0 starts at -90
};

}  // namespace nelo::deliveries
