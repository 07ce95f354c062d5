import { afterAll, beforeAll, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { allCases, HEADER, waitForImport } from '../support/imports';
import { startTestStack } from '../support/local-stack';
import { setUpClient } from '../support/workflows';

/**
 * The local S3 refuses what S3 refuses: a client's presigned upload URL edited to another
 * client's folder creates nothing there, a PUT URL neither reads nor deletes, and the bucket
 * answers no anonymous request.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

const csv = [HEADER, ',Mallory,mallory@example.com,,,M-1,2025-12-01,10.00,,'].join('\n');

it("a client's upload URL edited to another client's folder is refused and creates no case there", async () => {
  const { api } = stack;
  const a = (await setUpClient(api)).clientId;
  const b = (await setUpClient(api)).clientId;
  const up = await api.post(`/clients/${a}/imports`);
  expect(up.status).toBe(201);
  const tampered = up.body.uploadUrl.replace(`/${a}/`, `/${b}/`);
  expect(tampered).not.toBe(up.body.uploadUrl);

  const put = await fetch(tampered, { method: 'PUT', body: csv });
  expect(put.status).toBe(403);
  expect(await put.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  // A PUT URL is for that PUT only.
  for (const method of ['GET', 'DELETE']) expect((await fetch(up.body.uploadUrl, { method })).status, method).toBe(403);
  // Nor may anyone list or read the bucket without signing.
  const list = await fetch(`${stack.urls.s3}/recoup-drop`);
  expect(list.status).toBe(403);
  expect(await list.text()).toContain('<Code>AccessDenied</Code>');

  // The untouched URL works, into the client it was made for.
  expect((await fetch(up.body.uploadUrl, { method: 'PUT', body: csv })).status).toBe(200);
  expect(await waitForImport(api, a, { importId: up.body.importId })).toMatchObject({ status: 'completed', counts: { created: 1 } });
  await sleep(200);
  expect((await api.get(`/clients/${b}/imports`)).body.items).toEqual([]);
  expect(await allCases(api, b)).toEqual([]);
});
