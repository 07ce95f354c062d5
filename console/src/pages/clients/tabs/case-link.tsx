import { Anchor } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A link to a case page, styled as the console's links. */
export function CaseLink({ caseId, children }: { caseId: string; children: ReactNode }) {
  return <Anchor renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId }} />}>{children}</Anchor>;
}
