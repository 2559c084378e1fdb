package ui

// rowKind says how a row of a side-by-side diff differs.
type rowKind int

const (
	rowSame    rowKind = iota // the line is on both sides
	rowRemoved                // only on the left (old)
	rowAdded                  // only on the right (new)
	rowChanged                // a removed line paired with an added one
)

// diffSide is one half of a diff row: a 1-based line number and its text.
type diffSide struct {
	Num  int
	Line line
}

// diffRow is one row of a side-by-side diff; Left or Right is nil where
// that side has no line.
type diffRow struct {
	Kind        rowKind
	Left, Right *diffSide
}

// maxDiffCells bounds the LCS table. Beyond it the differing middle (after
// the common head and tail are set aside) shows as removed then added.
const maxDiffCells = 4 << 20

// lineOp is one step of an edit script: keep a[i] (== b[j]), drop a[i] or
// insert b[j].
type lineOp struct {
	kind rowKind // rowSame, rowRemoved or rowAdded
	i, j int
}

// editScript computes a shortest edit script from a to b by longest common
// subsequence.
func editScript(a, b []string) []lineOp {
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	ops := make([]lineOp, 0, len(a)+len(b))
	for k := 0; k < head; k++ {
		ops = append(ops, lineOp{rowSame, k, k})
	}
	ma, mb := a[head:len(a)-tail], b[head:len(b)-tail]
	n, m := len(ma), len(mb)
	if n*m > maxDiffCells {
		for k := range ma {
			ops = append(ops, lineOp{rowRemoved, head + k, -1})
		}
		for k := range mb {
			ops = append(ops, lineOp{rowAdded, -1, head + k})
		}
	} else {
		// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
		lcs := make([]int32, (n+1)*(m+1))
		at := func(i, j int) int32 { return lcs[i*(m+1)+j] }
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				v := at(i+1, j)
				if ma[i] == mb[j] {
					v = at(i+1, j+1) + 1
				} else if w := at(i, j+1); w > v {
					v = w
				}
				lcs[i*(m+1)+j] = v
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				ops = append(ops, lineOp{rowSame, head + i, head + j})
				i++
				j++
			case j < m && (i == n || at(i, j+1) >= at(i+1, j)):
				ops = append(ops, lineOp{rowAdded, -1, head + j})
				j++
			default:
				ops = append(ops, lineOp{rowRemoved, head + i, -1})
				i++
			}
		}
	}
	for k := tail; k > 0; k-- {
		ops = append(ops, lineOp{rowSame, len(a) - k, len(b) - k})
	}
	return ops
}

// sideBySide lays out the diff of two highlighted texts as rows: runs of
// removed lines are paired with the added lines that follow them.
func sideBySide(a, b []line) []diffRow {
	as, bs := make([]string, len(a)), make([]string, len(b))
	for k, l := range a {
		as[k] = l.String()
	}
	for k, l := range b {
		bs[k] = l.String()
	}
	ops := editScript(as, bs)
	left := func(i int) *diffSide { return &diffSide{Num: i + 1, Line: a[i]} }
	right := func(j int) *diffSide { return &diffSide{Num: j + 1, Line: b[j]} }
	var rows []diffRow
	for k := 0; k < len(ops); {
		if ops[k].kind == rowSame {
			rows = append(rows, diffRow{Kind: rowSame, Left: left(ops[k].i), Right: right(ops[k].j)})
			k++
			continue
		}
		var removed, added []int
		for ; k < len(ops) && ops[k].kind != rowSame; k++ {
			if ops[k].kind == rowRemoved {
				removed = append(removed, ops[k].i)
			} else {
				added = append(added, ops[k].j)
			}
		}
		for p := 0; p < len(removed) || p < len(added); p++ {
			row := diffRow{Kind: rowChanged}
			if p < len(removed) {
				row.Left = left(removed[p])
			} else {
				row.Kind = rowAdded
			}
			if p < len(added) {
				row.Right = right(added[p])
			} else {
				row.Kind = rowRemoved
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// diffStats counts the lines removed and added.
func diffStats(rows []diffRow) (removed, added int) {
	for _, r := range rows {
		if r.Kind != rowSame && r.Left != nil {
			removed++
		}
		if r.Kind != rowSame && r.Right != nil {
			added++
		}
	}
	return removed, added
}
