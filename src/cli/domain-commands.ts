import type { Command } from "commander";
import { formatTable, type Output } from "./output.js";
import { printFormatted, withOutputFormat, type FormatOptions } from "./output-format.js";
import { managerAction, managerCommand, mutationAction, mutationCommand, type ManagerOptions } from "./manager-session.js";

/** `cairn domain add|rm|mv|ls` (SPEC 9). */
export function registerDomainCommands(program: Command, output: Output): void {
  const domain = program.command("domain").description("create, delete, move and list domains");

  mutationCommand(domain, "add <path>", "create a domain (and its missing parents)").action(
    mutationAction(output, "CreateDomain", (_options, path: string) => ({ path })),
  );

  mutationCommand(domain, "rm <path>", "delete a domain")
    .option("--recursive", "also delete every subdomain and host in it")
    .action(
      mutationAction(output, "DeleteDomain", (options, path: string) => ({ path, recursive: options.recursive === true })),
    );

  mutationCommand(domain, "mv <path> <new-parent>", "move a domain, with everything in it, under another").action(
    mutationAction(output, "MoveDomain", (_options, path: string, newParent: string) => ({ path, new_parent: newParent })),
  );

  withOutputFormat(managerCommand(domain, "ls", "list the domains, with how many hosts and subdomains each holds")).action(
    managerAction<ManagerOptions & FormatOptions, []>(output, async ({ client, options }) => {
      const reply = await client.call("ListDomains", {});
      await printFormatted(output, options, {
        json: () => ({ revision: reply.revision, epoch: reply.epoch, domains: reply.domains }),
        table: () => formatTable(["domain", "hosts", "subdomains"], reply.domains.map((d) => [d.path, String(d.host_count), String(d.subdomain_count)])),
      });
    }),
  );
}
