import type { LocalPlugin } from './plugins';

/** Capabilities wired into the local runtime, in start order. */
export const LOCAL_PLUGINS: LocalPlugin[] = [];
