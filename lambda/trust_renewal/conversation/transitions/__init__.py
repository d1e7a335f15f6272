"""Transition functions: (State, Event, Content) -> (State, Reply), one per thing that can happen.

Which one runs is decided by ``table.TABLE`` from the situation and the intent, so
these functions do not ask where the couple is: the table already knows. They are
grouped by family, one module each: ``navigation``, ``turns``, ``people`` (names and
roles), ``evenings`` (stopping, help, courtesy), ``settings`` (data, reminders,
sounds); ``common`` holds what they share.
"""
