import { flexRender, type Table } from '@tanstack/react-table';

/** The header row(s) of a TanStack table, each column a `th scope="col"`. */
export function TableHead<T>({ table }: { table: Table<T> }) {
  return (
    <thead>
      {table.getHeaderGroups().map((g) => (
        <tr key={g.id}>
          {g.headers.map((h) => (
            <th key={h.id} scope="col">
              {flexRender(h.column.columnDef.header, h.getContext())}
            </th>
          ))}
        </tr>
      ))}
    </thead>
  );
}
