'use strict';

/**
 * dynalite 4 ends the streams of its Query and Scan (a Limit reached, 1 MB read, or the end of
 * the range) by calling `iterator.return()`, which the iterators of abstract-level 3 (under
 * classic-level and memory-level) do not have: they close with `close()`. So every Query and Scan
 * left its LevelDB iterator open for good, each holding a snapshot of the store, and LevelDB could
 * delete none of the table files compaction replaced: a 200,000-row import grew the data folder
 * by gigabytes, all of it mapped into the stack's memory. Giving the iterators a `return()` that
 * closes them lets dynalite's streams close what they open. Applied in the stand-in's thread
 * before dynalite loads.
 */
function closeEndedIterators(abstractLevel) {
  for (const Iterator of [abstractLevel.AbstractIterator, abstractLevel.AbstractKeyIterator, abstractLevel.AbstractValueIterator]) {
    if (typeof Iterator.prototype.return === 'function') continue;
    Object.defineProperty(Iterator.prototype, 'return', {
      configurable: true,
      writable: true,
      value: function () {
        return this.close();
      },
    });
  }
}

module.exports = { closeEndedIterators };
