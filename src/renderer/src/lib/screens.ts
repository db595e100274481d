/** The app's screens, in the order a new user walks them, and how one screen sends the user to another. */
export const SCREENS = [
  { id: 'model', label: 'Model' },
  { id: 'data', label: 'Data' },
  { id: 'train', label: 'Train' },
  { id: 'try', label: 'Try' },
  { id: 'export', label: 'Export' },
  { id: 'library', label: 'Library' },
  { id: 'settings', label: 'Settings' },
  { id: 'system', label: 'System' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

/** Opens a screen: a step's "Next" button, or a link to the Library. */
export type Navigate = (screen: ScreenId) => void;
