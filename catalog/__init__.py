"""Facts every other folder may read: names, AWS limits and enumerations, stateful types.

The lowest layer of the project. It imports nothing from environments/, stacks/, constructs/
or sparki/, and no cdktf or provider bindings, so environments (data), constructs (building
blocks) and the tools above the stacks can all depend on it without a cycle.
"""
