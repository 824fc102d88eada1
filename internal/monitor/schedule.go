package monitor

import "container/heap"

// schedule is a min-heap of targets by due time: one timer serves every
// endpoint, instead of one goroutine or timer each.
type schedule []*target

func (s schedule) Len() int           { return len(s) }
func (s schedule) Less(i, j int) bool { return s[i].due.Before(s[j].due) }
func (s schedule) Swap(i, j int) {
	s[i], s[j] = s[j], s[i]
	s[i].index, s[j].index = i, j
}
func (s *schedule) Push(x any) { t := x.(*target); t.index = len(*s); *s = append(*s, t) }
func (s *schedule) Pop() any {
	old := *s
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*s = old[:len(old)-1]
	return t
}

func (s *schedule) init() {
	for i, t := range *s {
		t.index = i
	}
	heap.Init(s)
}

func (s *schedule) fix(i int) { heap.Fix(s, i) }
