import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/adapters/clock';
import { handlerEntry, loadFunctionModule } from './function-bundles';

/** A function's handler as the local runtime calls it. */
export type LocalHandler = (event: any, context: any) => Promise<any>;

/**
 * The functions of one local stack, each loaded on its first invocation from its own bundle with
 * its own environment (function-bundles.ts), and kept warm, as Lambda keeps an execution
 * environment. Each one's clock port is the stack's virtual clock (the one allowed exception).
 */
export class LocalFunctions {
  private readonly id = randomUUID().slice(0, 8);
  private readonly loaded = new Map<string, Promise<LocalHandler>>();

  constructor(
    private readonly environmentOf: (folder: string) => Record<string, string>,
    private readonly clock: Clock,
  ) {}

  /** The handler of `functions/<folder>/`, loaded once. */
  handler(folder: string): Promise<LocalHandler> {
    let h = this.loaded.get(folder);
    if (!h) {
      h = loadFunctionModule(handlerEntry(folder), `${this.id}/${folder}`, this.environmentOf(folder)).then((m) => {
        m.useClock(this.clock);
        return m.handler as LocalHandler;
      });
      this.loaded.set(folder, h);
      h.catch(() => this.loaded.delete(folder));
    }
    return h;
  }

  /** Functions loaded so far. */
  get warm(): string[] {
    return [...this.loaded.keys()];
  }
}
