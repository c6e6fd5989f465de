output "resource_group_name" {
  value = azurerm_resource_group.main.name
}

output "function_app_name" {
  value = azurerm_function_app_flex_consumption.api.name
}

output "function_app_hostname" {
  value = azurerm_function_app_flex_consumption.api.default_hostname
}

output "static_web_app_name" {
  value = azurerm_static_web_app.main.name
}

output "public_base_url" {
  value = "https://${azurerm_static_web_app.main.default_host_name}"
}

output "key_vault_name" {
  value = azurerm_key_vault.main.name
}

output "storage_account_name" {
  value = azurerm_storage_account.main.name
}

output "postgres_host" {
  value = azurerm_postgresql_flexible_server.main.fqdn
}

output "redis_host" {
  value = azurerm_managed_redis.main.hostname
}

output "open_ai_endpoint" {
  value = azurerm_cognitive_account.open_ai.endpoint
}

output "durable_task_scheduler_endpoint" {
  value = local.use_scheduler ? azapi_resource.durable_scheduler[0].output.properties.endpoint : ""
}
