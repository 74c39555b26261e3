/** Social actions (docs/PROTOCOL.md §13): form rules, names and derived state, all pure. */
export * from './derive.ts';
export * from './emoji.ts';
export * from './kinds.ts';
export * from './mentions.ts';
export * from './names.ts';
export * from './params.ts';
export * from './profile.ts';
