#pragma once
// Draws a module's state machine, declared as data, as Mermaid (stateDiagram-v2) or Graphviz dot.
// Each module turns its own transition table into a StateDiagram; the drawing is written once.

#include <string>
#include <string_view>
#include <vector>

namespace nelo {

struct StateDiagram {
  struct Edge {
    std::string from;
    std::string to;
    std::string action;
    std::string actors;  // who may perform it, e.g. "merchant, admin"
    std::string event;   // published with the change; empty: none
  };

  std::string name;  // dot's graph name, e.g. "order"
  std::string initial;
  std::vector<std::string> terminals;  // states no transition leaves
  std::vector<Edge> edges;
};

// "mermaid" or "dot"; throws std::invalid_argument for any other format.
std::string render_state_diagram(const StateDiagram& diagram, std::string_view format);

}  // namespace nelo
