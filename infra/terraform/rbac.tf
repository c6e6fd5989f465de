# What the Function App's identity may do, and nothing more.

locals {
  app_principal = azurerm_function_app_flex_consumption.api.identity[0].principal_id
  app_roles = merge({
    # The Functions host manages its own blob leases and containers.
    storage_blob = { scope = azurerm_storage_account.main.id, role = "Storage Blob Data Owner" }
    # Durable Functions' control and work-item queues.
    storage_queue = { scope = azurerm_storage_account.main.id, role = "Storage Queue Data Contributor" }
    # Durable Functions' history and instance tables.
    storage_table = { scope = azurerm_storage_account.main.id, role = "Storage Table Data Contributor" }
    # Read secrets for Key Vault references, nothing else.
    key_vault = { scope = azurerm_key_vault.main.id, role = "Key Vault Secrets User" }
    # Send telemetry to Application Insights with Entra ID auth.
    app_insights = { scope = azurerm_application_insights.main.id, role = "Monitoring Metrics Publisher" }
    # Call the model deployments, without managing them.
    open_ai = { scope = azurerm_cognitive_account.open_ai.id, role = "Cognitive Services OpenAI User" }
    }, local.use_scheduler ? {
    # Schedule, run and read the call pipeline's orchestrations on the Durable Task Scheduler.
    durable_task = { scope = azapi_resource.durable_scheduler[0].id, role = "Durable Task Data Contributor" }
  } : {})
}

resource "azurerm_role_assignment" "app" {
  for_each             = local.app_roles
  scope                = each.value.scope
  role_definition_name = each.value.role
  principal_id         = local.app_principal
  principal_type       = "ServicePrincipal"
}

# Azure Managed Redis grants data access through its own access policies, not Azure RBAC.
resource "azurerm_managed_redis_access_policy_assignment" "app" {
  managed_redis_id = azurerm_managed_redis.main.id
  object_id        = local.app_principal
}
