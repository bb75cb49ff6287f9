/**
 * `npm run infra:role`: writes the custom role's actions, derived from the resource-type registry,
 * into infra/azuredeploy.json (`variables.linkgateRoleActions`), so the deployed role follows the
 * registry. Run it after adding or removing a type; test/infra fails until the two agree.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESOURCE_TYPE_LIST } from '../arm/resource-types.js';
import { roleActionsFor } from './role-actions.js';

/** The template text with its role actions replaced; everything else is kept as it was parsed. */
export function withRoleActions(templateText: string, actions: readonly string[]): string {
  const template = JSON.parse(templateText) as { variables?: Record<string, unknown> };
  if (template.variables === undefined || !('linkgateRoleActions' in template.variables)) {
    throw new Error('the template has no variables.linkgateRoleActions to update');
  }
  template.variables['linkgateRoleActions'] = [...actions];
  return `${JSON.stringify(template, null, 2)}\n`;
}

export async function updateRoleTemplate(path: string): Promise<{ actions: number; changed: boolean }> {
  const before = await readFile(path, 'utf8');
  const actions = roleActionsFor(RESOURCE_TYPE_LIST);
  const after = withRoleActions(before, actions);
  if (after !== before) await writeFile(path, after);
  return { actions: actions.length, changed: after !== before };
}

// Run as a script: dist/src/deploy/update-role-template.js, from the repository root.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const path = resolve(process.argv[2] ?? 'infra/azuredeploy.json');
  const { actions, changed } = await updateRoleTemplate(path);
  console.log(`${path}: ${actions} role actions from ${RESOURCE_TYPE_LIST.length} resource types${changed ? ' (updated)' : ' (already up to date)'}`);
}
