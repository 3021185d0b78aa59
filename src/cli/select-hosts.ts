// Which hosts a command works on: an inventory file (-i) or an ad-hoc list (--hosts), narrowed by --limit.
import { UsageError } from '../errors.js';
import { inventoryFromHostList } from '../inventory/adhoc.js';
import { selectHosts } from '../inventory/limit.js';
import { loadInventory } from '../inventory/load.js';
import type { HostSpec, Inventory } from '../inventory/types.js';

export function loadSelection(options: { inventory?: string; hosts?: string; limit?: string }): {
  inventory: Inventory;
  hosts: HostSpec[];
} {
  if (options.inventory && options.hosts) throw new UsageError('give either -i/--inventory or --hosts, not both');
  if (!options.inventory && !options.hosts) throw new UsageError('no hosts: give -i INVENTORY or --hosts a,b,c');
  const inventory = options.inventory ? loadInventory(options.inventory) : inventoryFromHostList(options.hosts ?? '');
  const hosts = selectHosts(inventory, options.limit);
  if (hosts.length === 0) throw new UsageError('no host selected');
  return { inventory, hosts };
}
