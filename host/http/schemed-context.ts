/**
 * A listener context seen with another scheme: a listener may take both cleartext and
 * TLS-terminated connections (the listener decides per connection), and the scheme is what
 * x-forwarded-proto, :scheme and redirects report. Everything else is the listener's own, read
 * live (snapshot swaps and drain state included).
 */
import type { HttpListenerContext, ListenerSnapshot } from './context.js';
import type { Logger } from '../observability/contract.js';

export class SchemedContext implements HttpListenerContext {
  constructor(
    private readonly base: HttpListenerContext,
    readonly scheme: 'http' | 'https',
  ) {}

  get name(): string {
    return this.base.name;
  }
  get snapshot(): ListenerSnapshot {
    return this.base.snapshot;
  }
  get draining(): boolean {
    return this.base.draining;
  }
  get log(): Logger {
    return this.base.log;
  }
  get normalizePath(): boolean | undefined {
    return this.base.normalizePath;
  }
  streamStarted(): void {
    this.base.streamStarted();
  }
  streamEnded(): void {
    this.base.streamEnded();
  }
}
