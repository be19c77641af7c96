//! The timer heap: a binary min-heap over deadlines that moves elements exactly as
//! CPython's `heapq` does (push: append then sift toward the root; pop: move the last
//! element to the root, walk it down to a leaf along the smaller children, then sift
//! it back up). `TimerHandle`s compare by deadline only, so timers with equal
//! deadlines leave the heap in the order this procedure gives, as in CPython.

use super::handle::Handle;
use std::rc::Rc;

#[inline]
fn lt(a: &Handle, b: &Handle) -> bool {
    a.when < b.when
}

/// Move the element at `pos` toward the root (not above `start`) while it is smaller
/// than its parent.
fn sift_down(heap: &mut [Rc<Handle>], start: usize, mut pos: usize) {
    while pos > start {
        let parent = (pos - 1) >> 1;
        if lt(&heap[pos], &heap[parent]) {
            heap.swap(pos, parent);
            pos = parent;
        } else {
            break;
        }
    }
}

/// Walk the element at `pos` down to a leaf, always taking the smaller child (the
/// right one on ties), then sift it back up.
fn sift_up(heap: &mut [Rc<Handle>], mut pos: usize) {
    let end = heap.len();
    let start = pos;
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && !lt(&heap[child], &heap[right]) {
            child = right;
        }
        heap.swap(pos, child);
        pos = child;
        child = 2 * pos + 1;
    }
    sift_down(heap, start, pos);
}

/// `heapq.heappush`.
pub fn push(heap: &mut Vec<Rc<Handle>>, h: Rc<Handle>) {
    heap.push(h);
    let last = heap.len() - 1;
    sift_down(heap, 0, last);
}

/// `heapq.heappop`.
pub fn pop(heap: &mut Vec<Rc<Handle>>) -> Option<Rc<Handle>> {
    let last = heap.pop()?;
    if heap.is_empty() {
        return Some(last);
    }
    let top = std::mem::replace(&mut heap[0], last);
    sift_up(heap, 0);
    Some(top)
}

/// `heapq.heapify`.
pub fn heapify(heap: &mut [Rc<Handle>]) {
    let n = heap.len();
    for i in (0..n / 2).rev() {
        sift_up(heap, i);
    }
}
