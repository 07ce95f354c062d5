import { Box, Text } from '@mantine/core';

export interface AxisMark {
  day: number;
  label: string;
  tone: 'quiet' | 'send';
}

/**
 * Nodes drawn on a line of days: each mark sits at its day; the same marks are a list, so a
 * screen reader reads "Day 3: SMS" in order.
 */
export function DayAxis({ marks, label, span }: { marks: AxisMark[]; label: string; span?: { from: number; to: number; label: string } }) {
  const last = Math.max(7, span?.to ?? 0, ...marks.map((m) => m.day)) + 1;
  const share = (day: number) => (day / last) * 100;
  const left = (day: number) => `${share(day)}%`;
  const sorted = [...marks].sort((a, b) => a.day - b.day);
  return (
    <Box pos="relative" h={64} mt="xs" mb="md" aria-label={label} role="group">
      <Box pos="absolute" top={30} left={0} right={0} h={2} bg="gray.5" aria-hidden />
      {span && span.to > span.from ? (
        <Box pos="absolute" top={24} h={14} bg="blue.1" style={{ left: left(span.from), width: `${((span.to - span.from) / last) * 100}%`, borderRadius: 4 }}>
          <Text size="xs" c="blue.9" px={4} lh="14px" truncate>
            {span.label}
          </Text>
        </Box>
      ) : null}
      <Box component="ol" m={0} p={0} style={{ listStyle: 'none' }}>
        {/* A label slides along itself as its day moves along the line: day 0's starts at its point, the last day's ends at it, none is cut off at an edge. */}
        {sorted.map((m, i) => (
          <Box component="li" key={i} pos="absolute" style={{ left: left(m.day), top: i % 2 ? 40 : 0, transform: `translateX(-${share(m.day)}%)`, whiteSpace: 'nowrap' }}>
            <Text size="xs" fw={600} c={m.tone === 'send' ? 'dark.9' : 'gray.8'}>
              Day {m.day}: {m.label}
            </Text>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
