"""An import-linter contract type (`no_module_cycles`, used in .importlinter): no import cycle at all
among the modules of a package.

import-linter's own `acyclic_siblings` compares siblings only, so a loop through a package's
`__init__` (a tool module -> the registry -> the tools package -> the tool module) passes it. This
contract takes grimp's module graph as it is and fails on every strongly connected component of
more than one module, naming one concrete loop in each.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def module_cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """The groups of modules of `package` that import one another in a loop, each sorted.

    Tarjan's strongly connected components, written iteratively (deep packages must not hit
    Python's recursion limit).
    """
    modules = sorted(m for m in graph.modules if m == package or m.startswith(f"{package}."))
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            if next_edge < len(targets):
                work.append((node, next_edge + 1))
                target = targets[next_edge]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(groups)


def one_loop(graph: grimp.ImportGraph, group: list[str]) -> list[str]:
    """A shortest loop through the group's first module: [a, b, ..., a]."""
    first = group[0]
    loops = [
        graph.find_shortest_chain(importer=nxt, imported=first)
        for nxt in graph.find_modules_directly_imported_by(first)
        if nxt in group
    ]
    shortest = min((loop for loop in loops if loop), key=len)
    return [first, *shortest]


class NoModuleCyclesContract(Contract):
    """No module of `package` imports itself through other modules (TYPE_CHECKING imports
    count only when the session does not exclude them)."""

    type_name = "no_module_cycles"
    package = fields.StringField()

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        del verbose  # nothing more to say while checking: the loops are the whole answer
        groups = module_cycles(graph, str(self.package))
        loops = [one_loop(graph, group) for group in groups]
        return ContractCheck(kept=not groups, metadata={"groups": groups, "loops": loops})

    def render_broken_contract(self, check: ContractCheck) -> None:
        metadata: dict[str, Any] = check.metadata
        for group, loop in zip(metadata["groups"], metadata["loops"], strict=True):
            output.print_error(f"{len(group)} modules import one another in a loop:")
            output.print(" -> ".join(loop))
            output.new_line()
