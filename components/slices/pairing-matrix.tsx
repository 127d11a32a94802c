// The VN pairing matrix: rows are primary VNs, columns secondary VNs, each cell the slices they
// share. Even shading means a failed VN is rebuilt from many peers at once.
export function PairingMatrix({ vnIds, matrix }: { vnIds: readonly string[]; matrix: readonly (readonly number[])[] }) {
  const max = Math.max(1, ...matrix.flat());
  const short = (id: string): string => id.replace('node-', 'n').replace('/vn-', '.');
  return (
    <div className="overflow-x-auto">
      <table aria-label="VN pairing matrix" className="border-collapse text-[10px]">
        <thead>
          <tr><th className="p-1 text-left">primary \ secondary</th>{vnIds.map((id) => <th key={id} scope="col" className="p-1 font-mono">{short(id)}</th>)}</tr>
        </thead>
        <tbody>
          {matrix.map((row, p) => (
            <tr key={vnIds[p]}>
              <th scope="row" className="p-1 text-left font-mono">{short(vnIds[p] ?? '')}</th>
              {row.map((count, s) => (
                <td key={vnIds[s]} title={`${vnIds[p] ?? ''} → ${vnIds[s] ?? ''}: ${count} slices`}
                  className="h-6 w-8 text-center font-mono"
                  style={{ backgroundColor: count === 0 ? 'transparent' : `rgba(37, 99, 235, ${(0.15 + 0.85 * count / max).toFixed(2)})` }}>
                  {count === 0 ? '' : count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
