"""What a GraphQL request costs (API-NOTES §10, DOC-GQL-LIMITS): scalars and enums 0, objects
and lists 100, a mutation 1000, a connection (`first` or `last`) times its children, and a query
100 for itself; the total is divided by 100 (rounded up) when costs are normalized."""

from __future__ import annotations

import math
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

from .schema import DEFAULT_PAGE

OBJECT, MUTATION, QUERY = 100, 1000, 100


class CostCounter:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]):
        self.schema, self.variables = schema, variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if operation.operation == OperationType.MUTATION:
            return MUTATION * len(operation.selection_set.selections)
        return QUERY + self.selections(operation.selection_set, root)

    def selections(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                total += self.selections(selection.selection_set, self._type(selection, parent))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                total += self.selections(fragment.selection_set, self._type(fragment, parent))
        return total

    def _type(self, node: Any, parent: Any) -> Any:
        condition = node.type_condition
        return self.schema.type_map[condition.name.value] if condition else parent

    def field(self, node: FieldNode, parent: GraphQLObjectType) -> int:
        if node.name.value.startswith("__"):
            return 0
        definition = parent.fields[node.name.value]
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        children = self.selections(node.selection_set, named)
        if named.name.endswith("Connection"):
            size = self.argument(node, "first") or self.argument(node, "last") or DEFAULT_PAGE
            return size * children
        return OBJECT + children

    def argument(self, node: FieldNode, name: str) -> int:
        """An Int argument given literally or through a variable (0 when absent)."""
        for argument in node.arguments:
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                return int(self.variables.get(value.name.value) or 0)
        return 0


def cost_of(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
    normalized: bool,
) -> int:
    raw = CostCounter(schema, document, variables).operation(operation)
    return math.ceil(raw / 100) if normalized else raw
