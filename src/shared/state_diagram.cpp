#include "shared/state_diagram.hpp"

#include <stdexcept>

namespace nelo {
namespace {

std::string event_or_none(const StateDiagram::Edge& e) { return e.event.empty() ? "no event" : e.event; }

std::string mermaid(const StateDiagram& d) {
  std::string out = "stateDiagram-v2\n";
  out += "  [*] --> " + d.initial + "\n";
  for (const auto& e : d.edges) {
    out += "  " + e.from + " --> " + e.to + ": " + e.action + " (" + e.actors + ") / " + event_or_none(e) + "\n";
  }
  for (const auto& s : d.terminals) out += "  " + s + " --> [*]\n";
  return out;
}

std::string dot(const StateDiagram& d) {
  std::string out = "digraph " + d.name + " {\n";
  out += "  rankdir=LR;\n";
  out += "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  out += "  start [shape=point];\n";
  for (const auto& s : d.terminals) out += "  " + s + " [peripheries=2];\n";
  out += "  start -> " + d.initial + ";\n";
  for (const auto& e : d.edges) {
    out += "  " + e.from + " -> " + e.to + " [label=\"" + e.action + "\\n(" + e.actors + ")\\n" + event_or_none(e) +
           "\"];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace

std::string render_state_diagram(const StateDiagram& diagram, std::string_view format) {
  if (format == "mermaid") return mermaid(diagram);
  if (format == "dot") return dot(diagram);
  throw std::invalid_argument("unknown diagram format '" + std::string(format) + "' (expected mermaid or dot)");
}

}  // namespace nelo
