# The Durable Task Scheduler that runs the call pipeline's orchestrations: a managed, push-based backend, so the
# first activity of a call after a quiet hour starts at once instead of after a queue poll's back-off.

locals {
  use_scheduler = var.durable_backend == "DurableTaskScheduler"
  # host.json names the hub by DURABLE_TASK_HUB, and the scheduler's task hub has the same name.
  durable_task_hub = "atiende"
}

resource "azapi_resource" "durable_scheduler" {
  count     = local.use_scheduler ? 1 : 0
  type      = "Microsoft.DurableTask/schedulers@2025-11-01"
  name      = local.names.durable_scheduler
  parent_id = azurerm_resource_group.main.id
  location  = azurerm_resource_group.main.location
  tags      = local.tags
  body = {
    properties = {
      # Dedicated is bought in capacity units; Consumption is billed per action and takes none.
      sku = var.durable_scheduler_sku == "Dedicated" ? { name = "Dedicated", capacity = 1 } : { name = "Consumption" }
      # Flex Consumption without a virtual network has no fixed outbound addresses, so every address may try;
      # Entra ID decides (the app's identity holds Durable Task Data Contributor). An empty list refuses all.
      ipAllowlist = ["0.0.0.0/0"]
    }
  }
  response_export_values = ["properties.endpoint"]
}

resource "azapi_resource" "durable_task_hub" {
  count     = local.use_scheduler ? 1 : 0
  type      = "Microsoft.DurableTask/schedulers/taskHubs@2025-11-01"
  name      = local.durable_task_hub
  parent_id = azapi_resource.durable_scheduler[0].id
  body      = { properties = {} }
}
