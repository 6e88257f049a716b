"""Checking one table of an import as its rows stream past, a batch at a time.

The importer hands the rows of one table (in write order, `validation.TABLE_ORDER`) to a
`TableCheck`, which checks each row (`validation.check_row`), its foreign keys against the
rows rejected so far and against the database — which already holds the rows this import
accepted from earlier tables, in the same transaction — and passes each full batch of
accepted rows to `write`. Nothing but the batch, the ids of the current table (to find
duplicates) and the rejected rows is kept, so a million services import in bounded memory.

The outcome is what `validation.validate` finds for the same rows held all at once: the
same issues (file, line, column, message) and the same rejected rows. Two checks can only
be settled once the whole table has been read, and are settled in `finish`:
- a duplicate id (every copy is rejected, also the first, which may have been written);
- a parent in the same table (parent organisation, parent term), which may come later.
Rows they reject after being written (`late_rejects`) leave the import failing, or, when
it skips invalid rows, make the importer write the table again without them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

from commonweal.directory.tabular import ImportIssue, Row, SourceRef
from commonweal.directory.validation import (
    MODELS,
    MSG_DANGLING,
    MSG_DUPLICATE,
    MSG_LINK_ENTITY,
    CheckedRow,
    _cascade_issue,
    _issue,
    _where,
    check_row,
    table_rules,
)

BATCH = 5000

ExistingIds = Callable[[str, Collection[uuid.UUID]], set[uuid.UUID]]


@dataclass
class ImportState:
    """What a whole import remembers between tables."""

    existing: ExistingIds
    issues: list[ImportIssue] = field(default_factory=list)
    rejected: dict[str, dict[uuid.UUID, SourceRef]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    rejected_count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # (table, id) of a row rejected only for pointing at rejected rows -> the row whose own
    # problem started the chain (as `validation.Validated.roots`).
    roots: dict[tuple[str, uuid.UUID], SourceRef] = field(default_factory=dict)

    def root_of(self, table: str, row_id: uuid.UUID, ref: SourceRef) -> SourceRef:
        return self.roots.get((table, row_id), ref)


@dataclass
class _Deferred:
    """A row whose parent is in its own table: checked when the table is complete."""

    row_id: uuid.UUID
    row: Row
    refs: list[tuple[str, uuid.UUID]]  # (HSDS column, parent id)


class TableCheck:
    def __init__(
        self,
        table: str,
        state: ImportState,
        write: Callable[[list[CheckedRow]], None],
        *,
        batch_size: int | None = None,
    ) -> None:
        self.table = table
        self.state = state
        self.write = write
        self.batch_size = batch_size or BATCH
        self.rules = table_rules()[table]
        self.keys = [(r.name, r.attname, r.target or "") for r in self.rules.foreign_keys]
        self.seen: set[int] = set()  # uuid.int of every id read in this table
        self.written: set[int] = set()  # ... of the rows passed to `write`
        self.duplicates: dict[uuid.UUID, list[tuple[Row, bool]]] = {}  # later copies
        self.deferred: list[_Deferred] = []
        # Rows rejected for their references, held until duplicates are known (a duplicate
        # is reported as such only, as the all-at-once check does).
        # Each with its parents in this table as (column, id) slots, settled in `finish`.
        self.reference_issues: dict[
            uuid.UUID, tuple[Row, list[ImportIssue | tuple[str, uuid.UUID]]]
        ] = {}
        self.batch: list[CheckedRow] = []
        self.rows_read = 0
        self.late_rejects: set[uuid.UUID] = set()

    # --- reading ------------------------------------------------------------------------

    def add(self, row: Row) -> None:
        self.rows_read += 1
        values, issues = check_row(row, self.rules)
        state = self.state
        if issues:
            state.issues.extend(issues)
            state.rejected_count[self.table] += 1
        row_id = values.get("id")
        if row_id is None:
            return
        key = row_id.int
        if key in self.seen:
            self.duplicates.setdefault(row_id, []).append((row, bool(issues)))
            return
        self.seen.add(key)
        if issues:
            state.rejected[self.table][row_id] = row.ref
            return
        self.batch.append(CheckedRow(self.table, row_id, values, row))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Check the batch's references to other tables and write what passes."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        state, table = self.state, self.table
        rejected = state.rejected
        references: list[list[tuple[str, str, uuid.UUID]]] = []
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for item in batch:
            values = item.values
            refs = [
                (name, target, values[att])
                for name, att, target in self.keys
                if values.get(att) is not None
            ]
            if table == "attribute" and values.get("link_entity") in MODELS:
                refs.append(("link_id", values["link_entity"], values["link_id"]))
            references.append(refs)
            for _name, target, value in refs:
                if target != table and value not in rejected[target]:
                    wanted[target].add(value)
        found = {target: state.existing(target, ids) for target, ids in wanted.items()}

        accepted: list[CheckedRow] = []
        for item, refs in zip(batch, references, strict=True):
            problems: list[ImportIssue] = []
            own_problem = False
            if table == "attribute" and item.values.get("link_entity") not in MODELS:
                entity = item.values.get("link_entity")
                problems.append(
                    _issue(item.row, "link_entity", MSG_LINK_ENTITY.format(value=entity))
                )
                own_problem = True
            parents: list[tuple[str, uuid.UUID]] = []
            slots: list[ImportIssue | tuple[str, uuid.UUID]] = list(problems)
            for name, target, value in refs:
                if target == table:
                    parents.append((name, value))
                    slots.append((name, value))  # settled with the table (see finish)
                elif value in rejected[target]:
                    target_ref = rejected[target][value]
                    _append(
                        problems,
                        slots,
                        _cascade_issue(
                            item.row,
                            name,
                            target,
                            value,
                            target_ref,
                            state.root_of(target, value, target_ref),
                        ),
                    )
                elif value not in found.get(target, ()):
                    _append(
                        problems,
                        slots,
                        _issue(item.row, name, MSG_DANGLING.format(value=value, target=target)),
                    )
                    own_problem = True
            if problems:
                self.reference_issues[item.id] = (item.row, slots if parents else problems)
                rejected[table][item.id] = item.ref
                if not own_problem:
                    state.roots[(table, item.id)] = next(
                        p.caused_by for p in problems if p.caused_by is not None
                    )
                continue
            if parents:
                self.deferred.append(_Deferred(item.id, item.row, parents))
            accepted.append(item)
        if accepted:
            self.written.update(item.id.int for item in accepted)
            self.write(accepted)

    # --- settling what needs the whole table -----------------------------------------------

    def finish(self, reread: Callable[[], Iterator[Row]]) -> None:
        """Settle duplicates and same-table parents; `reread` reads the table again (only
        when it has duplicate ids: the first copies' lines were not kept)."""
        self.flush()
        state, table = self.state, self.table
        rejected = state.rejected[table]
        if self.duplicates:
            self._settle_duplicates(reread)
        outside = {
            slot[1]
            for _row, slots in self.reference_issues.values()
            for slot in slots
            if isinstance(slot, tuple) and slot[1].int not in self.seen
        }
        stored = state.existing(table, outside) if outside else set()
        for row_id, (row, slots) in self.reference_issues.items():
            if row_id in self.duplicates:
                state.roots.pop((table, row_id), None)
                continue
            for slot in slots:
                if not isinstance(slot, tuple):
                    state.issues.append(slot)
                    continue
                # A rejected row's parent in its own table, reported as the all-at-once
                # check does: missing, or rejected itself.
                name, parent = slot
                if parent in rejected and parent != row_id:
                    parent_ref = rejected[parent]
                    root = state.root_of(table, parent, parent_ref)
                    state.issues.append(_cascade_issue(row, name, table, parent, parent_ref, root))
                elif parent.int not in self.seen and parent not in stored:
                    message = MSG_DANGLING.format(value=parent, target=table)
                    state.issues.append(_issue(row, name, message))
            state.rejected_count[table] += 1
        self._settle_parents()
        self.late_rejects = {row_id for row_id in rejected if row_id.int in self.written}

    def _settle_duplicates(self, reread: Callable[[], Iterator[Row]]) -> None:
        state, table = self.state, self.table
        firsts: dict[uuid.UUID, tuple[Row, bool]] = {}
        for row in reread():
            values, issues = check_row(row, self.rules)
            row_id = values.get("id")
            if row_id in self.duplicates and row_id not in firsts:
                firsts[row_id] = (row, bool(issues))
        for row_id, later in self.duplicates.items():
            copies = [firsts[row_id], *later]
            for row, failed in copies:
                others = ", ".join(_where(other.ref) for other, _f in copies if other is not row)
                state.issues.append(
                    _issue(row, "id", MSG_DUPLICATE.format(id=row_id, table=table, others=others))
                )
                if not failed:
                    state.rejected_count[table] += 1
            state.rejected[table][row_id] = copies[0][0].ref

    def _settle_parents(self) -> None:
        """A parent must be a row of this table accepted by this import or one the
        directory holds; a row whose parent was rejected is rejected too, repeated until
        nothing changes (as `validation._reject_orphaned_self_references`)."""
        state, table = self.state, self.table
        rejected = state.rejected[table]
        pending = [d for d in self.deferred if d.row_id not in rejected]
        outside = {
            parent
            for d in pending
            for _name, parent in d.refs
            if parent.int not in self.seen and parent not in rejected
        }
        stored = state.existing(table, outside) if outside else set()
        for d in pending:
            for name, parent in d.refs:
                if parent.int not in self.seen and parent not in rejected and parent not in stored:
                    state.issues.append(
                        _issue(d.row, name, MSG_DANGLING.format(value=parent, target=table))
                    )
                    state.rejected_count[table] += 1
                    rejected[d.row_id] = d.row.ref
                    break
        changed = True
        while changed:
            changed = False
            for d in pending:
                if d.row_id in rejected:
                    continue
                for name, parent in d.refs:
                    if parent in rejected:
                        parent_ref = rejected[parent]
                        root = state.root_of(table, parent, parent_ref)
                        state.issues.append(
                            _cascade_issue(d.row, name, table, parent, parent_ref, root)
                        )
                        state.rejected_count[table] += 1
                        rejected[d.row_id] = d.row.ref
                        state.roots[(table, d.row_id)] = root
                        changed = True
                        break


def _append(
    problems: list[ImportIssue],
    slots: list[ImportIssue | tuple[str, uuid.UUID]],
    issue: ImportIssue,
) -> None:
    problems.append(issue)
    slots.append(issue)
