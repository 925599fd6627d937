/**
 * A plain table: a caption (or a label) naming it, column headers, one row per item. Row headers
 * (`rowHeader`) name their rows for screen readers, as the topic and deploy tables need.
 */
import type { HTMLAttributes, ReactNode, TdHTMLAttributes } from 'react';

export interface Column<R> {
  header: ReactNode;
  cell(row: R): ReactNode;
  /** The cell is the row's header (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Per-row cell attributes (a class, a title). */
  cellProps?(row: R): TdHTMLAttributes<HTMLTableCellElement>;
  className?: string;
}

export interface TableProps<R> {
  /** A visible caption, which names the table. */
  caption?: ReactNode;
  /** The name when there is no caption, or when the caption is only for screen readers. */
  label?: string;
  captionHidden?: boolean;
  className?: string;
  columns: Column<R>[];
  rows: readonly R[];
  rowKey(row: R, index: number): string | number;
  rowProps?(row: R): HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  /** One full-width row when there are no rows. */
  empty?: ReactNode;
}

export function Table<R>(props: TableProps<R>) {
  const { columns } = props;
  const caption = props.caption ?? (props.captionHidden ? props.label : undefined);
  return (
    <table
      className={props.className ? `kf-table ${props.className}` : 'kf-table'}
      aria-label={caption === undefined ? props.label : undefined}
    >
      {caption !== undefined && (
        <caption className={props.captionHidden ? 'kf-visually-hidden' : undefined}>{caption}</caption>
      )}
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col">
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={props.rowKey(r, i)} {...props.rowProps?.(r)}>
            {columns.map((c, j) => {
              const extra = c.cellProps?.(r) ?? {};
              const className = [c.className, extra.className].filter(Boolean).join(' ') || undefined;
              return c.rowHeader ? (
                <th key={j} scope="row" {...extra} className={className}>
                  {c.cell(r)}
                </th>
              ) : (
                <td key={j} {...extra} className={className}>
                  {c.cell(r)}
                </td>
              );
            })}
          </tr>
        ))}
        {props.rows.length === 0 && props.empty !== undefined && (
          <tr>
            <td colSpan={columns.length}>{props.empty}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
