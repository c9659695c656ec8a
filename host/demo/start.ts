/**
 * Starts what plain `sluice run` serves: the demo upstream, and the embedded config loaded
 * through the same loader as a file (so the demo doubles as a check of the config path).
 */
import { parseConfigText, type LoadedConfig } from '../config/load.js';
import { demoConfigText } from './config.js';
import { startDemoUpstream, type DemoUpstream } from './upstream.js';

/** Default ports; overridable with SLUICE_DEMO_PORT / SLUICE_DEMO_ADMIN_PORT (0 = any free port). */
export const DEMO_LISTENER_PORT = 8080;
export const DEMO_ADMIN_PORT = 9901;

export interface DemoPortChoice {
  listener: number;
  admin: number;
}

export interface Demo {
  loaded: LoadedConfig;
  upstream: DemoUpstream;
  ports: DemoPortChoice;
}

/** Ports for the demo from the environment, or an error message for a bad value. */
export function demoPortsFromEnv(env: NodeJS.ProcessEnv): DemoPortChoice | string {
  const read = (name: string, fallback: number): number | string => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) return `${name}="${v}" is not a port number (0-65535)`;
    return Number(v);
  };
  const listener = read('SLUICE_DEMO_PORT', DEMO_LISTENER_PORT);
  const admin = read('SLUICE_DEMO_ADMIN_PORT', DEMO_ADMIN_PORT);
  if (typeof listener === 'string') return listener;
  if (typeof admin === 'string') return admin;
  return { listener, admin };
}

/** Starts the demo upstream and loads the demo config pointing at it. */
export async function startDemo(ports: DemoPortChoice): Promise<Demo> {
  const upstream = await startDemoUpstream();
  try {
    const text = demoConfigText({ listener: ports.listener, admin: ports.admin, upstream: upstream.port });
    const loaded = parseConfigText(text, { format: 'yaml', file: 'demo (embedded)', baseDir: process.cwd() });
    return { loaded, upstream, ports };
  } catch (err) {
    await upstream.close();
    throw err;
  }
}
