/**
 * `npm run bench`: runs every benchmark section in one process, one after the other, so that each
 * figure is compared with its peer measured in the same run on the same machine.
 * Usage: npm run bench [-- SECTION...]   (sections: see SECTIONS below)
 */
export interface BenchReporter {
  /** A heading for a section. */
  section(title: string): void;
  /** One result line, e.g. a table row. */
  line(text: string): void;
}

type Section = { name: string; load: () => Promise<{ run: (report: BenchReporter) => Promise<void> }> };

const SECTIONS: Section[] = [
  { name: 'evaluate', load: () => import('./evaluate.bench.js') },
  { name: 'cidr', load: () => import('./cidr.bench.js') },
  { name: 'evaluate-cli', load: () => import('./evaluate-cli.bench.js') },
  { name: 'arm-burst', load: () => import('./arm-burst.bench.js') },
  { name: 'load', load: () => import('./load.bench.js') },
];

const reporter: BenchReporter = {
  section(title) {
    process.stdout.write(`\n## ${title}\n\n`);
  },
  line(text) {
    process.stdout.write(text + '\n');
  },
};

const wanted = process.argv.slice(2);
for (const section of SECTIONS) {
  if (wanted.length > 0 && !wanted.includes(section.name)) continue;
  const module = await section.load();
  await module.run(reporter);
}
