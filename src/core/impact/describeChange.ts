import type { ProposedChange } from '../model';

/** One proposed change in words, as every front end prints it (CLI, hover, impact report). */
export function describeChange(c: ProposedChange & { asset?: string }): string {
  const on = c.asset ? `${c.asset}: ` : '';
  switch (c.type) {
    case 'column_rename':
      return `${on}rename column ${c.from} → ${c.to}`;
    case 'column_drop':
      return `${on}drop column ${c.column}`;
    case 'column_type_change':
      return `${on}change type of ${c.column} to ${c.to}`;
    case 'table_rename':
      return `${on}rename table to ${c.to}`;
    case 'table_drop':
      return `${on}drop table`;
  }
}
