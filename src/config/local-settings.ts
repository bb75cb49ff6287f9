/**
 * local.settings.json for the CLI. Core Tools (`func start`) reads the file's `Values` as app
 * settings; the CLI reads the same file from its working directory so one file configures both.
 * The environment wins over the file, as a per-run override should. Configuration is still
 * validated only by readConfig; this module merges, and names the file when a bad value came from it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../errors/linkgate-error.js';
import { ConfigError, type ConfigProblem } from './read-config.js';

export const LOCAL_SETTINGS_FILE = 'local.settings.json';

type Env = Readonly<Record<string, string | undefined>>;

export interface LocalSettings {
  path: string;
  values: Readonly<Record<string, string>>;
}

function invalid(path: string, text: string): ConfigError {
  return new ConfigError([{ variable: LOCAL_SETTINGS_FILE, value: undefined, text: `${path}: ${text}` }]);
}

/** Parses a local.settings.json text: `Values` must be an object of strings, as Core Tools expects. */
export function parseLocalSettings(path: string, text: string): LocalSettings {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `is not valid JSON (${messageOf(error)}); it should be {"IsEncrypted": false, "Values": {"NAME": "value"}}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalid(path, 'should be a JSON object such as {"IsEncrypted": false, "Values": {"NAME": "value"}}');
  }
  const { IsEncrypted: encrypted, Values: values } = document as Record<string, unknown>;
  if (encrypted === true) {
    throw invalid(path, 'is encrypted (IsEncrypted: true), so linkgate cannot read it; run `func settings decrypt`, or set the variables in the environment');
  }
  if (values === undefined) return { path, values: {} };
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw invalid(path, '"Values" should be an object of setting names to strings');
  }
  const problems: ConfigProblem[] = [];
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') strings[name] = value;
    else problems.push({ variable: name, value: undefined, text: `${name} in ${path} (Values) is ${JSON.stringify(value)}; it should be a string, e.g. "${String(value)}"` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { path, values: strings };
}

/** The working directory's local.settings.json, or undefined when there is none. */
export async function readLocalSettings(cwd: string, read: (path: string) => Promise<string> = (path) => readFile(path, 'utf8')): Promise<LocalSettings | undefined> {
  const path = join(cwd, LOCAL_SETTINGS_FILE);
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(path, `cannot be read (${messageOf(error)})`);
  }
  return parseLocalSettings(path, text);
}

/** The file's values under the environment's: a variable set in the environment, even empty, wins. */
export function mergeSettings(env: Env, settings: LocalSettings | undefined): Record<string, string | undefined> {
  return { ...settings?.values, ...env };
}

/**
 * The same ConfigError with each problem whose value came from the file saying so: the
 * variable is absent from the environment and the value readConfig saw is the file's.
 */
export function attributeToFile(error: ConfigError, env: Env, settings: LocalSettings | undefined): ConfigError {
  if (settings === undefined) return error;
  let changed = false;
  const details = error.details.map((detail) => {
    const fromFile = settings.values[detail.variable];
    if (fromFile === undefined || env[detail.variable] !== undefined || detail.value !== fromFile.trim()) return detail;
    changed = true;
    return { ...detail, text: `${detail.text} (set in ${settings.path}, "Values")` };
  });
  return changed ? new ConfigError(details) : error;
}

/**
 * Runs `use` with the working directory's local.settings.json merged under the environment, and
 * rethrows a ConfigError it raises with the file named beside each value that came from there.
 */
export async function withLocalSettings<T>(env: Env, cwd: string, use: (settings: Env) => Promise<T>): Promise<T> {
  const settings = await readLocalSettings(cwd);
  try {
    return await use(mergeSettings(env, settings));
  } catch (error) {
    throw error instanceof ConfigError ? attributeToFile(error, env, settings) : error;
  }
}
