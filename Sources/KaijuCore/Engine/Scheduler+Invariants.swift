import HeapModule

extension Scheduler {
    /// Checks the heap's order and that timer sequence numbers are unique and issued; traps otherwise.
    /// Called from tests only.
    func _checkInvariants() {
        self.heapForInvariants._checkInvariants()
        var seqs = Set<Int64>()
        for timer in self.heapForInvariants.unordered {
            precondition(
                timer.seq > 0 && timer.seq <= self.seqForInvariants,
                "Scheduler: timer \(timer.seq) was never issued"
            )
            precondition(seqs.insert(timer.seq).inserted, "Scheduler: timer \(timer.seq) is scheduled twice")
        }
    }
}
