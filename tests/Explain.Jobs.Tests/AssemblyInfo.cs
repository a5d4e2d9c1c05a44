// The end-to-end classes measure latencies (cancel within 2 s, deadlines of 300 ms) on a 2-core
// machine, and the broker suite runs two worker processes: run the classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
