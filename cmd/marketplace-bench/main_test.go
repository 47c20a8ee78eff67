package main

import "testing"

// A round trip is a maximal group of overlapping requests about one app: two reads sent
// together are one wait, a write after them another; 429s are calls and round trips too.
func TestCountRequests(t *testing.T) {
	t.Parallel()
	lines := []traceLine{
		{Product: "a", Status: 200, Start: 0, End: 100},
		{Product: "a", Status: 404, Start: 5, End: 104}, // sent with the first
		{Product: "b", Status: 200, Start: 10, End: 110},
		{Product: "a", Status: 200, Start: 120, End: 220},  // after both
		{Product: "a", Status: 429, Start: 220, End: 221},  // starts as the previous ends: another wait
		{Product: "a", Status: 200, Start: 300, End: 400},  // a group chained through overlaps:
		{Product: "a", Status: 200, Start: 350, End: 500},  // 300-400 overlaps 350-500,
		{Product: "a", Status: 200, Start: 450, End: 550},  // which overlaps 450-550
		{Product: "", Status: 200, Start: 1000, End: 1100}, // names no app
	}
	calls, limited, roundTrips := countRequests(lines)
	if calls != 9 || limited != 1 || roundTrips != 5 {
		t.Errorf("calls %d, answered 429 %d, round trips %d; want 9, 1, 5 (a: 4, b: 1)", calls, limited, roundTrips)
	}
	if calls, _, roundTrips := countRequests(nil); calls != 0 || roundTrips != 0 {
		t.Errorf("no requests: %d calls, %d round trips", calls, roundTrips)
	}
}
