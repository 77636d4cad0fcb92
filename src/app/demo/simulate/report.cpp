#include "app/demo/simulate/report.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <ostream>

#include "app/demo/simulate/options.hpp"

namespace nelo::app::demo::sim {

namespace json = boost::json;

namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string percentiles(const Samples& samples, int decimals, const char* unit) {
  const auto p50 = samples.percentile(50);
  const auto p99 = samples.percentile(99);
  if (!p50) return "-";
  return "p50 " + fixed(*p50, decimals) + unit + " p99 " + fixed(*p99, decimals) + unit;
}

json::value percentile_json(const Samples& samples, double p, int decimals) {
  const auto v = samples.percentile(p);
  if (!v) return nullptr;
  return std::stod(fixed(*v, decimals));
}

json::object samples_json(const Samples& samples, int decimals) {
  return {{"count", samples.size()},
          {"p50", percentile_json(samples, 50, decimals)},
          {"p90", percentile_json(samples, 90, decimals)},
          {"p99", percentile_json(samples, 99, decimals)},
          {"max", percentile_json(samples, 100, decimals)}};
}

double per_minute(std::int64_t count, double seconds) { return seconds > 0 ? count * 60.0 / seconds : 0; }

// The last two thirds of the ordering: the first third fills the pipeline (an order takes a while
// from placement to hand-over). A platform that keeps up hands orders over as fast as they come.
json::object steady_json(const Statistics& s, const RunFacts& f) {
  const double from = f.ordering_seconds / 3, to = f.ordering_seconds;
  const auto placed = s.placed_between(from, to);
  const auto delivered = s.delivered_between(from, to);
  return {{"from_seconds", std::stod(fixed(from, 1))},
          {"to_seconds", std::stod(fixed(to, 1))},
          {"placed_per_minute", std::stod(fixed(per_minute(placed, to - from), 2))},
          {"delivered_per_minute", std::stod(fixed(per_minute(delivered, to - from), 2))},
          {"ratio", std::stod(fixed(placed ? static_cast<double>(delivered) / placed : 0, 4))}};
}

}  // namespace

std::string progress_line(const Statistics& s, const RunFacts& f) {
  const auto& o = s.orders;
  const auto& x = s.offers;
  std::string line = fixed(f.elapsed_seconds, 0) + "s  orders " + std::to_string(o.placed) + " placed " +
                     std::to_string(o.accepted) + " accepted " + std::to_string(o.delivered) + " delivered " +
                     std::to_string(o.failed) + " failed " + std::to_string(f.in_flight) + " in flight | offers " +
                     std::to_string(x.seen) + ": " + std::to_string(x.accepted) + " accepted " +
                     std::to_string(x.declined) + " declined " + std::to_string(x.lost) + " expired | drivers " +
                     std::to_string(s.drivers_online) + " online " + std::to_string(s.drivers_busy) +
                     " busy | assign " + percentiles(s.assign_seconds, 1, "s") + " | deliver " +
                     percentiles(s.deliver_minutes, 0, "min") + " | errors " + std::to_string(s.errors());
  return line;
}

void ProgressPrinter::show(Statistics& stats, const RunFacts& facts) {
  const auto errors = stats.take_new_errors();
  if (!errors.empty()) close();
  for (const auto& e : errors) out_ << "unexpected: " << e << '\n';
  const std::string line = progress_line(stats, facts);
  if (terminal_) {
    out_ << '\r' << line;
    if (line.size() < width_) out_ << std::string(width_ - line.size(), ' ');
    width_ = line.size();
  } else {
    out_ << line << '\n';
  }
  out_.flush();
}

void ProgressPrinter::close() {
  if (terminal_ && width_ > 0) out_ << '\n';
  width_ = 0;
}

void print_summary(std::ostream& out, const Statistics& s, const RunFacts& f, const SimulationOptions& options) {
  const auto& o = s.orders;
  const auto& x = s.offers;
  out << "\nSimulation " << (f.interrupted ? "interrupted" : "done") << " after " << fixed(f.elapsed_seconds, 0)
      << " s (" << fixed(f.elapsed_seconds * options.speedup / 60, 0) << " simulated minutes at x"
      << fixed(options.speedup, 0) << "), " << f.drivers << " drivers, " << f.customers << " customers\n";
  out << "  orders      " << o.placed << " placed (" << fixed(per_minute(o.placed, f.ordering_seconds), 1)
      << "/min, asked " << fixed(options.order_rate, 1) << "/min), " << o.accepted << " accepted, " << o.assigned
      << " assigned, " << o.picked_up << " picked up, " << o.delivered << " delivered (" << o.confirmed
      << " confirmed by their customer), " << o.failed << " failed, " << o.cancelled
      << " cancelled at the end\n";
  if (o.refused || o.no_shop) {
    out << "              " << o.refused << " refused at placement, " << o.no_shop
        << " customers found no open shop delivering to them\n";
  }
  out << "  delivered   " << fixed(per_minute(o.delivered, f.ordering_seconds), 1) << " per minute of ordering; "
      << fixed(o.placed ? 100.0 * o.delivered / o.placed : 0, 1) << " % of the orders placed\n";
  if (f.ordering_seconds >= 6) {
    const auto steady = steady_json(s, f);
    out << "  keeping up  " << fixed(steady.at("delivered_per_minute").as_double(), 1) << " handed over per minute for "
        << fixed(steady.at("placed_per_minute").as_double(), 1) << " placed, over the last two thirds of the ordering ("
        << fixed(steady.at("ratio").as_double(), 2) << ")\n";
  }
  out << "  offers      " << x.seen << " seen: " << x.accepted << " accepted, " << x.declined << " declined, " << x.lost
      << " expired or taken";
  if (x.foreign) out << ", " << x.foreign << " for deliveries of no order of this run (declined)";
  out << '\n';
  out << "  assignment  " << percentiles(s.assign_seconds, 2, " s")
      << " (real time: merchant accepted -> driver accepted)\n";
  out << "  delivery    " << percentiles(s.deliver_minutes, 1, " min") << " (simulated: placed -> handed over)\n";
  out << "  http        " << f.requests << " requests over " << f.connections << " connections, " << s.pings
      << " pings, " << s.errors() << " unexpected answers\n";
  if (f.leftovers_settled) {
    out << "  settled " << f.leftovers_settled << " orders an earlier simulation left unfinished\n";
  }
  if (f.stayed_online) {
    out << "  " << f.stayed_online << " drivers stayed online: the server says they still hold a delivery\n";
  }
  for (const auto& e : s.error_samples()) out << "  unexpected: " << e << '\n';
  if (s.errors() > static_cast<std::int64_t>(s.error_samples().size())) {
    out << "  ... and " << s.errors() - static_cast<std::int64_t>(s.error_samples().size()) << " more\n";
  }
}

json::object summary_json(const Statistics& s, const RunFacts& f, const SimulationOptions& options) {
  const auto& o = s.orders;
  const auto& x = s.offers;
  json::array ids;
  for (const auto& id : s.delivered_order_ids) ids.push_back(json::string(id));
  json::array errors;
  for (const auto& e : s.error_samples()) errors.push_back(json::string(e));
  return {
      {"options", json::object{{"url", options.url},
                               {"drivers", options.drivers},
                               {"customers", options.customers},
                               {"order_rate_per_minute", options.order_rate},
                               {"speedup", options.speedup},
                               {"duration_seconds", options.duration_seconds},
                               {"drain_seconds", options.drain_seconds},
                               {"decline_probability", options.decline_probability},
                               {"seed", options.seed},
                               {"connections", options.connections}}},
      {"interrupted", f.interrupted},
      {"elapsed_seconds", std::stod(fixed(f.elapsed_seconds, 1))},
      {"ordering_seconds", std::stod(fixed(f.ordering_seconds, 1))},
      {"drivers", f.drivers},
      {"customers", f.customers},
      {"orders", json::object{{"placed", o.placed},
                              {"refused", o.refused},
                              {"no_shop", o.no_shop},
                              {"accepted", o.accepted},
                              {"ready", o.ready},
                              {"assigned", o.assigned},
                              {"picked_up", o.picked_up},
                              {"delivered", o.delivered},
                              {"confirmed", o.confirmed},
                              {"failed", o.failed},
                              {"cancelled_at_end", o.cancelled},
                              {"in_flight_at_end", f.in_flight}}},
      {"offers", json::object{{"seen", x.seen},
                              {"accepted", x.accepted},
                              {"declined", x.declined},
                              {"expired_or_taken", x.lost},
                              {"foreign", x.foreign}}},
      {"placed_per_minute", std::stod(fixed(per_minute(o.placed, f.ordering_seconds), 2))},
      {"delivered_per_minute", std::stod(fixed(per_minute(o.delivered, f.ordering_seconds), 2))},
      {"delivered_share", std::stod(fixed(o.placed ? static_cast<double>(o.delivered) / o.placed : 0, 4))},
      {"steady_state", steady_json(s, f)},
      {"assign_seconds", samples_json(s.assign_seconds, 3)},
      {"deliver_minutes", samples_json(s.deliver_minutes, 2)},
      {"http", json::object{{"requests", f.requests},
                            {"connections", f.connections},
                            {"pings", s.pings},
                            {"errors", s.errors()},
                            {"error_samples", std::move(errors)}}},
      {"drivers_stayed_online", f.stayed_online},
      {"leftovers_settled", f.leftovers_settled},
      {"delivered_order_ids", std::move(ids)}};
}

}  // namespace nelo::app::demo::sim
