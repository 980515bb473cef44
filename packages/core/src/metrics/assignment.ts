/**
 * The Hungarian algorithm (Kuhn–Munkres with potentials, O(n²·m)) for a rectangular cost matrix of
 * `rows` ≤ `cols`: returns, for each row, the column it is assigned to so that the total cost is
 * minimal and no column is used twice.
 */
export function minimumCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const cols = cost[0]?.length ?? 0;
  if (rows === 0) return [];
  if (rows > cols) throw new RangeError(`assignment needs rows ≤ columns, got ${rows}×${cols}`);
  // 1-based arrays as in the classic formulation; column 0 is a virtual start.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const rowOfColumn = new Int32Array(cols + 1);
  const way = new Int32Array(cols + 1);
  for (let row = 1; row <= rows; row++) {
    rowOfColumn[0] = row;
    let column = 0;
    const minSlack = new Float64Array(cols + 1).fill(Infinity);
    const used = new Uint8Array(cols + 1);
    do {
      used[column] = 1;
      const currentRow = rowOfColumn[column] as number;
      let delta = Infinity;
      let next = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const slack = (cost[currentRow - 1]?.[j - 1] as number) - (u[currentRow] as number) - (v[j] as number);
        if (slack < (minSlack[j] as number)) {
          minSlack[j] = slack;
          way[j] = column;
        }
        if ((minSlack[j] as number) < delta) {
          delta = minSlack[j] as number;
          next = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[rowOfColumn[j] as number] = (u[rowOfColumn[j] as number] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else {
          minSlack[j] = (minSlack[j] as number) - delta;
        }
      }
      column = next;
    } while (rowOfColumn[column] !== 0);
    do {
      const previous = way[column] as number;
      rowOfColumn[column] = rowOfColumn[previous] as number;
      column = previous;
    } while (column !== 0);
  }
  const assignment = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= cols; j++) {
    const row = rowOfColumn[j] as number;
    if (row > 0) assignment[row - 1] = j - 1;
  }
  return assignment;
}
