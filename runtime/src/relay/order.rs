//! Per-key order across failures.
//!
//! A batch may hold several rows of one key. Handed to the producer together, a later row could be
//! acknowledged while an earlier one fails (a delivery timeout, a record the broker refuses), and
//! the key's order would be broken for good: the failed row is retried after its successors were
//! published. So a batch is sent in waves: wave *n* holds the *n*-th row of every key, and is sent
//! once every delivery of wave *n − 1* is known. A key whose row failed is held: its later rows
//! are not sent and stay pending, behind their head, which the claim keeps in front of them.
//!
//! Rows of distinct keys still go together, so a batch of distinct keys is one wave; a key with
//! *k* rows in a batch costs *k* acknowledgement round trips.

use std::collections::{HashMap, HashSet, VecDeque};

/// The rows of a batch not yet sent, as waves of row indexes, and the keys held back.
#[derive(Debug, Default)]
pub(super) struct Waves {
    waves: VecDeque<Vec<usize>>,
    held: HashSet<String>,
}

impl Waves {
    /// Plans the waves for rows whose keys are `keys`, in batch (enqueue) order.
    pub(super) fn plan<'k>(keys: impl IntoIterator<Item = &'k str>) -> Self {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut waves: VecDeque<Vec<usize>> = VecDeque::new();
        for (index, key) in keys.into_iter().enumerate() {
            let occurrence = seen.entry(key).or_insert(0);
            if waves.len() <= *occurrence {
                waves.push_back(Vec::new());
            }
            waves[*occurrence].push(index);
            *occurrence += 1;
        }
        Self {
            waves,
            held: HashSet::new(),
        }
    }

    /// The next wave to send, if any row is left; rows of held keys are still listed (the
    /// caller skips them with [`Self::is_held`]), so a wave may send nothing.
    pub(super) fn next_wave(&mut self) -> Option<Vec<usize>> {
        self.waves.pop_front()
    }

    /// Holds `key`: none of its later rows is sent in this batch.
    pub(super) fn hold(&mut self, key: &str) {
        if !self.held.contains(key) {
            self.held.insert(key.to_owned());
        }
    }

    /// Whether `key` is held.
    pub(super) fn is_held(&self, key: &str) -> bool {
        self.held.contains(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends every wave, failing the rows `fails` says; returns the rows sent, in send order.
    fn run(keys: &[&str], fails: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut waves = Waves::plan(keys.iter().copied());
        let mut sent = Vec::new();
        while let Some(wave) = waves.next_wave() {
            let mut failed = Vec::new();
            for index in wave {
                if waves.is_held(keys[index]) {
                    continue;
                }
                sent.push(index);
                if fails(index) {
                    failed.push(keys[index]);
                }
            }
            // Deliveries of a wave are known before the next one goes.
            for key in failed {
                waves.hold(key);
            }
        }
        sent
    }

    #[test]
    fn distinct_keys_are_one_wave() {
        let mut waves = Waves::plan(["a", "b", "c"]);
        assert_eq!(waves.next_wave(), Some(vec![0, 1, 2]));
        assert_eq!(waves.next_wave(), None);
    }

    #[test]
    fn the_nth_row_of_each_key_is_in_wave_n() {
        let mut waves = Waves::plan(["a", "b", "a", "c", "a", "b"]);
        assert_eq!(waves.next_wave(), Some(vec![0, 1, 3]));
        assert_eq!(waves.next_wave(), Some(vec![2, 5]));
        assert_eq!(waves.next_wave(), Some(vec![4]));
        assert_eq!(waves.next_wave(), None);
        assert!(Waves::plan([]).next_wave().is_none());
    }

    #[test]
    fn a_failed_row_holds_every_later_row_of_its_key_and_no_other() {
        let keys = ["k", "other", "k", "k", "other"];
        // Row 0 (the head of `k`) fails asynchronously: rows 2 and 3 are never sent.
        assert_eq!(run(&keys, |index| index == 0), [0, 1, 4]);
        // A failure in the middle holds only what comes after it.
        assert_eq!(run(&keys, |index| index == 2), [0, 1, 2, 4]);
        // No failure: everything, each key in its order.
        let sent = run(&keys, |_| false);
        assert_eq!(sent, [0, 1, 2, 4, 3]);
        for key in ["k", "other"] {
            let order: Vec<usize> = sent.iter().copied().filter(|&i| keys[i] == key).collect();
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(order, sorted, "{key} keeps its order");
        }
    }
}
