import { describe, expect, it } from 'vitest';
import { locateWorker } from '../../../src/main/workers/locate-worker';

describe('locateWorker', () => {
  it('runs the .ts sibling through tsx from source', () => {
    const fromSource = locateWorker('file:///app/src/main/engine/onnx/session.ts', './session-worker.ts', 'sessionWorker.js');
    expect(fromSource.url.href).toBe('file:///app/src/main/engine/onnx/session-worker.ts');
    expect(fromSource.execArgv?.[0]).toBe('--require');
    expect(fromSource.execArgv?.[1]).toMatch(/node_modules\/tsx\/dist\/cjs\/index\.cjs$/);
  });

  it('looks for the bundled worker beside or above a bundle, and says where it looked', () => {
    expect(() => locateWorker('file:///nowhere/out/main/chunks/session-abc.js', './session-worker.ts', 'sessionWorker.js')).toThrow(
      'worker script not found at /nowhere/out/main/chunks/sessionWorker.js or /nowhere/out/main/sessionWorker.js',
    );
  });
});
