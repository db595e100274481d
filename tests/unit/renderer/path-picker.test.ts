import { describe, expect, it, vi } from 'vitest';
import type { PickPathRequest } from '../../../src/preload/bridge';
import type { DesktopExtras } from '../../../src/renderer/src/lib/desktop-bridge';
import { browseFor } from '../../../src/renderer/src/lib/path-picker';

function handlers() {
  return { choose: vi.fn<(path: string) => void>(), browse: vi.fn<() => void>(), fail: vi.fn<(message: string) => void>() };
}

function desktop(pick: (request: PickPathRequest) => Promise<string | null>): DesktopExtras & { asked: PickPathRequest[] } {
  const asked: PickPathRequest[] = [];
  return {
    asked,
    pickPath: (request) => {
      asked.push(request);
      return pick(request);
    },
    pathForFile: () => null,
  };
}

describe('Browse…', () => {
  it('opens the server-side browser when there is no native dialog (the web shell)', async () => {
    const on = handlers();
    await browseFor('file', '/data/x.jsonl', on, null);
    expect(on.browse).toHaveBeenCalledOnce();
    expect(on.choose).not.toHaveBeenCalled();
  });

  it('asks the native dialog for the kind, near the typed path, and uses what it returns', async () => {
    const on = handlers();
    const bridge = desktop(async () => '/models/qwen');
    await browseFor('folder', '  /models  ', on, bridge);
    expect(bridge.asked).toEqual([{ kind: 'folder', near: '/models' }]);
    expect(on.choose).toHaveBeenCalledWith('/models/qwen');
    expect(on.browse).not.toHaveBeenCalled();
  });

  it('sends no starting point when nothing is typed', async () => {
    const bridge = desktop(async () => null);
    await browseFor('file', '', handlers(), bridge);
    expect(bridge.asked).toEqual([{ kind: 'file' }]);
  });

  it('changes nothing when the dialog is cancelled', async () => {
    const on = handlers();
    await browseFor('file', '/data/x.jsonl', on, desktop(async () => null));
    expect(on.choose).not.toHaveBeenCalled();
    expect(on.browse).not.toHaveBeenCalled();
    expect(on.fail).not.toHaveBeenCalled();
  });

  it('says so when the dialog cannot open', async () => {
    const on = handlers();
    await browseFor('file', '', on, desktop(async () => Promise.reject(new Error('Refused: a dialog asked for by an unknown page.'))));
    expect(on.fail).toHaveBeenCalledWith('The file dialog did not open: Refused: a dialog asked for by an unknown page.');
  });
});
