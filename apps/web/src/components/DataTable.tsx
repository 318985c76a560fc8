/**
 * The list pages' table: a plain table on a wide screen; on a phone (≤ 820 px) each row becomes a
 * card, every cell labelled with its column's header (CSS `.cards-on-phone`, the header row stays
 * for screen readers).
 */
import type { ReactNode } from 'react'

export interface Column<T> {
  /** The header; also the label of the cell on a phone card. */
  header: string
  cell(row: T): ReactNode
  className?: string
}

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  testId,
}: {
  rows: T[]
  columns: Array<Column<T>>
  rowKey(row: T): string
  testId?: string
}) {
  return (
    <div className="table-wrap cards-on-phone">
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th key={`${column.header}-${index}`} className={column.className}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} data-testid={testId ? `${testId}-row` : undefined}>
              {columns.map((column, index) => (
                <td key={`${column.header}-${index}`} className={column.className} data-label={column.header}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
