// The inventory module's public face: load a file (native, Ansible INI or YAML) or a --hosts list,
// select with --limit, describe.
export { inventoryFromHostList, HOST_LIST_SOURCE, type HostListDefaults } from './adhoc.js';
export { checkAnsibleIni, checkAnsibleYamlText, parseAnsibleIni, parseAnsibleYaml } from './ansible/load.js';
export { checkAnyInventory, isAnsibleYamlShape, loadAnyInventory, type InventoryCheck, type InventoryFormat } from './detect.js';
export { describeAuth, describeHosts, hostsToJson, type DescribeOptions, type HostJson } from './describe.js';
export { selectHosts } from './limit.js';
export { checkInventoryDocument, loadInventory, parseInventoryDocument, type ParseInventoryOptions } from './load.js';
export { expandHostPattern, MAX_PATTERN_EXPANSION, type PatternExpansion } from './ranges.js';
export * from './types.js';
