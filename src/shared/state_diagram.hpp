#pragma once
// Draws a module's state machine, declared as data, as Mermaid (stateDiagram-v2) or Graphviz dot.
// Each module's transition table becomes a StateDiagram through make_state_diagram; the drawing
// is written once.

#include <string>
#include <string_view>
#include <utility>
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

// The module's actors in `actors` (a bit set), in the order of `all_kinds`, comma-separated:
// "merchant, admin". `actor_bit` and `to_string` are the module's own (found by
// argument-dependent lookup on its ActorKind).
template <class Set, class Kinds>
std::string actor_names(Set actors, const Kinds& all_kinds) {
  std::string out;
  for (auto kind : all_kinds) {
    if (!(actors & actor_bit(kind))) continue;
    if (!out.empty()) out += ", ";
    out += to_string(kind);
  }
  return out;
}

// A module's transition table (rows with from, action, to, actors, event) as a StateDiagram;
// `is_terminal` and `to_string` are the module's own, as above.
template <class Status, class Statuses, class Transitions, class Kinds>
StateDiagram make_state_diagram(std::string name, Status initial, const Statuses& all_statuses,
                                const Transitions& transitions, const Kinds& all_kinds) {
  StateDiagram d;
  d.name = std::move(name);
  d.initial = std::string(to_string(initial));
  for (auto s : all_statuses) {
    if (is_terminal(s)) d.terminals.emplace_back(to_string(s));
  }
  for (const auto& t : transitions) {
    d.edges.push_back({std::string(to_string(t.from)), std::string(to_string(t.to)), std::string(to_string(t.action)),
                       actor_names(t.actors, all_kinds), std::string(t.event)});
  }
  return d;
}

}  // namespace nelo
