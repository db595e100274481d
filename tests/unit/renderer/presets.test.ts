import { describe, expect, it } from 'vitest';
import { PRESETS, presetSettings, recommendedPreset, toRunSettings } from '../../../src/renderer/src/lib/presets';
import { runSettingsInputSchema } from '../../../src/main/store/run-settings-schema';
import * as v from 'valibot';

describe('training presets', () => {
  it('recommend more passes for smaller datasets', () => {
    expect(recommendedPreset(40)).toBe('thorough');
    expect(recommendedPreset(2_000)).toBe('balanced');
    expect(recommendedPreset(100_000)).toBe('quick');
  });

  it('give settings the API accepts, leaving steps and warm-up unset when not chosen', () => {
    for (const preset of PRESETS) {
      const settings = toRunSettings({ ...presetSettings(preset.id), device: 'auto' });
      expect(v.safeParse(runSettingsInputSchema, settings).success).toBe(true);
    }
    expect(toRunSettings({ ...presetSettings('quick'), device: 'cpu' })).not.toHaveProperty('steps');
    expect(toRunSettings({ ...presetSettings('thorough'), device: 'cpu', steps: 5 })).toMatchObject({ steps: 5, warmup: 10, epochs: 3 });
  });
});
