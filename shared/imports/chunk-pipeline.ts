import { logger } from '../adapters/logger';
import type { ChunkPlan } from '../domain/import-plan';
import { ConflictError } from '../errors';
import { overlayOf, type Overlay } from './chunk-planner';
import type { PendingChunk } from './pending-chunk';

/** What the pipeline does with a chunk, in order. */
export interface ChunkStages {
  /** Reads and plans the chunk; `overlay` answers for the chunk being written meanwhile. */
  plan(chunk: PendingChunk, overlay: Overlay | undefined): Promise<ChunkPlan>;
  /** Writes the plan (idempotently); throws ConflictError when a case it merges into changed. */
  write(plan: ChunkPlan, recovering: boolean): Promise<void>;
  /** Saves the checkpoint after the chunk. */
  commit(chunk: PendingChunk, plan: ChunkPlan): Promise<void>;
}

/** A chunk whose writes have begun. */
interface Writing {
  /** Its plan as the next chunk's reads see it; absent when it may be written otherwise than planned (recovery). */
  overlay?: Overlay;
  /** Set when a conflict made it plan again: a plan made against its overlay is stale then. */
  replanned: boolean;
  /** Its writes and checkpoint. */
  done: Promise<void>;
}

/** A conflicting chunk is planned and written again this many times at most. */
const MAX_WRITE_ATTEMPTS = 5;

/**
 * Three chunks under way at once, on both cores of a local machine and without idle gaps in
 * DynamoDB: chunk N is written while chunk N+1 is read from the table and planned (and the
 * caller parses chunk N+2). Chunk N+1's plan must see what chunk N writes: whatever chunk N
 * writes is known from its plan (`Overlay`) and answered from there, without a read; anything
 * else chunk N does not touch, so a read of it during N's writes answers as after them. Chunk
 * N+1's writes begin only once chunk N is written and checkpointed, so at most one chunk is
 * written beyond the checkpoint, as crash recovery assumes.
 */
export class ChunkPipeline {
  /** The chunk being written, if any. */
  private writing: Writing | undefined;
  /** The last chunk handed over: resolves once it is planned and its writes have begun. */
  private launched: Promise<void> | undefined;

  constructor(
    private readonly stages: ChunkStages,
    /** Rows up to here may have been written by an earlier, interrupted attempt (a crash mid-chunk). */
    private readonly recoverUpTo: number,
    private readonly importId: string,
  ) {}

  /** Hands a chunk over; call `settle()` before the next one. */
  submit(chunk: PendingChunk): void {
    this.launched = this.launch(chunk);
    this.launched.catch(() => undefined); // awaited (and thrown) at the next settle()
  }

  /** The last chunk handed over is planned and its writes have begun (its error, if any, is thrown here). */
  async settle(): Promise<void> {
    const p = this.launched;
    this.launched = undefined;
    await p;
  }

  /** Everything handed over is written and checkpointed. */
  async drain(): Promise<void> {
    await this.settle();
    await this.writing?.done;
  }

  /** A chunk an earlier attempt may have written part of: its new cases are checked before they are written. */
  private recovering(chunk: PendingChunk): boolean {
    return chunk.firstRow <= this.recoverUpTo;
  }

  /** Plans a chunk (its reads may overlap the previous chunk's writes) and begins its writes once the previous chunk is written and checkpointed. */
  private async launch(chunk: PendingChunk): Promise<void> {
    const previous = this.writing;
    const recovering = this.recovering(chunk);
    // A chunk that may be written otherwise than planned cannot answer for itself: wait for it.
    if (previous && (recovering || !previous.overlay)) await previous.done;
    let plan = await this.stages.plan(chunk, recovering ? undefined : previous?.overlay);
    await previous?.done;
    if (previous?.replanned) plan = await this.stages.plan(chunk, undefined);
    const writing: Writing = { overlay: recovering ? undefined : overlayOf(plan), replanned: false, done: Promise.resolve() };
    writing.done = this.write(chunk, plan, recovering, writing);
    writing.done.catch(() => undefined); // awaited (and thrown) by the next chunk's launch or at the end
    this.writing = writing;
  }

  /** Writes a planned chunk (planning it again on a write conflict), then saves the checkpoint. */
  private async write(chunk: PendingChunk, plan: ChunkPlan, recovering: boolean, writing: Writing): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.stages.write(plan, recovering || attempt > 1);
        break;
      } catch (e) {
        // Someone changed a case we merge into: re-read and re-plan the chunk (its writes are idempotent).
        if (!(e instanceof ConflictError) || attempt >= MAX_WRITE_ATTEMPTS) throw e;
        logger.warn('a case changed while its chunk was written; planning the chunk again', { importId: this.importId, firstRow: chunk.firstRow, attempt });
        writing.replanned = true;
        plan = await this.stages.plan(chunk, undefined);
      }
    }
    await this.stages.commit(chunk, plan);
  }
}
