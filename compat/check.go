package compat

// Check reports what makes candidate incompatible with history at level.
// history holds the schemas the level compares against, oldest first (the
// caller drops soft-deleted versions). Non-transitive levels compare only with
// the last element; transitive ones walk from newest to oldest and, like
// Confluent, stop at the first version that fails. FULL checks old-reads-new
// before new-reads-old. Each Problem's Against is an index into history.
//
// All schemas must come from f.
func Check(f Format, level Level, candidate Schema, history []Schema) []Problem {
	if level == None || len(history) == 0 {
		return nil
	}
	first := len(history) - 1
	if level.Transitive() {
		first = 0
	}
	for i := len(history) - 1; i >= first; i-- {
		var problems []Problem
		if level.Forward() {
			for _, p := range f.Compatible(history[i], candidate) {
				p.Direction, p.Against = OldReadsNew, i
				problems = append(problems, p)
			}
		}
		if level.Backward() {
			for _, p := range f.Compatible(candidate, history[i]) {
				p.Direction, p.Against = NewReadsOld, i
				problems = append(problems, p)
			}
		}
		if len(problems) > 0 {
			return problems
		}
	}
	return nil
}
