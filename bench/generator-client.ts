// The orchestrator's side of the load generator: forks bench/load-generator.ts and asks it one
// thing at a time over IPC.

import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT_DIR } from '../server/index';
import type { FromGenerator, PhaseResult, PhaseSpec, SystemTarget, ToGenerator } from './protocol';
import { stopChild } from './systems/child';

export class GeneratorClient {
  private constructor(private readonly child: ChildProcess) {}

  get pid(): number {
    return this.child.pid ?? 0;
  }

  static async open(target: SystemTarget): Promise<GeneratorClient> {
    const child = fork(join(ROOT_DIR, 'bench', 'load-generator.ts'), [], { cwd: ROOT_DIR, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const client = new GeneratorClient(child);
    try {
      await client.ask({ type: 'open', target }, 'opened');
    } catch (error) {
      await stopChild(child);
      throw error;
    }
    return client;
  }

  async run(phase: PhaseSpec): Promise<PhaseResult> {
    const answer = await this.ask({ type: 'run', phase }, 'result');
    if (answer.type !== 'result') throw new Error(`unexpected answer ${answer.type}`);
    return answer.result;
  }

  async close(): Promise<void> {
    try {
      if (this.child.connected) await this.ask({ type: 'close' }, 'closed');
    } finally {
      await stopChild(this.child);
    }
  }

  private ask(message: ToGenerator, expect: FromGenerator['type']): Promise<FromGenerator> {
    return new Promise((resolve, reject) => {
      const onMessage = (answer: FromGenerator): void => {
        cleanup();
        if (answer.type === 'failed') reject(new Error(`load generator: ${answer.message}`));
        else if (answer.type !== expect) reject(new Error(`load generator answered ${answer.type}, expected ${expect}`));
        else resolve(answer);
      };
      const onExit = (code: number | null): void => { cleanup(); reject(new Error(`load generator exited with ${String(code)}`)); };
      const cleanup = (): void => { this.child.off('message', onMessage); this.child.off('exit', onExit); };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(message);
    });
  }
}
