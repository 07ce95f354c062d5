import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../infra/api-routes';
import { analyseDefinition, stateMachineKinds } from '../../infra/constructs/workflows';
import { FUNCTION_CATALOG, functionFolders, needsOf, PROJECT_ROOT, type FunctionNeeds } from '../../infra/function-catalog';

const catalog = FUNCTION_CATALOG as Record<string, FunctionNeeds>;
const folders = functionFolders();
const smFolder = join(PROJECT_ROOT, 'state-machines');
const referencedByMachines = new Set(
  stateMachineKinds(smFolder).flatMap((k) => analyseDefinition(readFileSync(join(smFolder, `${k}.asl.json`), 'utf8'), `${k}.asl.json`).functions),
);

describe('function catalog', () => {
  it('has an entry for every folder under functions/ (a new function cannot be forgotten)', () => {
    expect(folders.filter((f) => !(f in catalog))).toEqual([]);
  });

  it('explains a missing entry in the error the stack raises', () => {
    expect(() => needsOf('no-such-function')).toThrow(/functions\/no-such-function has no entry in infra\/function-catalog\.ts/);
  });

  // Entries may exist before their folder (the stack ignores them until it appears); a
  // workflow entry without a folder must at least be called by a state machine.
  it('workflow entries without a folder are functions a state machine calls, not leftovers', () => {
    const waiting = Object.entries(catalog).filter(([name, needs]) => !folders.includes(name) && needs.trigger === 'workflow');
    expect(waiting.map(([name]) => name).filter((name) => !referencedByMachines.has(name))).toEqual([]);
  });

  it('every function a route names is an API function with an entry, and every API function is routed', () => {
    for (const { route, fn } of API_ROUTES) expect(catalog[fn]?.trigger, `${route} -> ${fn}`).toBe('api');
    const routed = new Set<string>(API_ROUTES.map((r) => r.fn));
    for (const f of folders.filter((f) => catalog[f]?.trigger === 'api')) expect(routed.has(f), `${f} has no route in infra/api-routes.ts`).toBe(true);
  });

  it('every function a state machine names has a workflow entry (ready before its folder exists)', () => {
    for (const fn of referencedByMachines) expect(catalog[fn]?.trigger, `state machines call ${fn}`).toBe('workflow');
  });

  it('scheduled functions have a schedule; sizes are within Lambda limits', () => {
    for (const [name, needs] of Object.entries(catalog)) {
      if (needs.trigger === 'schedule') expect(needs.schedule, name).toMatch(/^(rate|cron)\(/);
      if (needs.memoryMb !== undefined) expect(needs.memoryMb).toBeGreaterThanOrEqual(128);
      if (needs.memoryMb !== undefined) expect(needs.memoryMb).toBeLessThanOrEqual(10240);
      if (needs.timeoutSeconds !== undefined) expect(needs.timeoutSeconds).toBeLessThanOrEqual(900);
      if (needs.trigger === 'api' && needs.timeoutSeconds !== undefined) expect(needs.timeoutSeconds, `${name}: API Gateway gives up at 30 s`).toBeLessThanOrEqual(30);
    }
  });
});
