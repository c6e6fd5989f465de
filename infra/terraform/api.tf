# The Function App on the Flex Consumption plan: Python 3.11, system-assigned identity, the host's
# storage reached by that identity (no keys), and the app settings the code reads.

resource "azurerm_service_plan" "main" {
  name                = local.names.plan
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = local.tags
}

locals {
  # Settings for the Functions host itself, not read by our code.
  platform_settings = {
    AzureWebJobsStorage__credential           = "managedidentity"
    AzureWebJobsStorage__blobServiceUri       = azurerm_storage_account.main.primary_blob_endpoint
    AzureWebJobsStorage__queueServiceUri      = azurerm_storage_account.main.primary_queue_endpoint
    AzureWebJobsStorage__tableServiceUri      = azurerm_storage_account.main.primary_table_endpoint
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "Authorization=AAD"
  }
  # host.json runs Durable Functions on the Durable Task Scheduler; this app setting overrides it when the
  # deployment keeps the Azure Storage provider (host.json's one-second maxQueuePollingInterval then applies).
  durable_settings = var.durable_backend == "AzureStorage" ? {
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__type = "AzureStorage"
  } : {}
}

resource "azurerm_function_app_flex_consumption" "api" {
  name                = local.names.function_app
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  service_plan_id     = azurerm_service_plan.main.id
  https_only          = true
  tags                = merge(local.tags, { "azd-service-name" = "api" })

  storage_container_type      = "blobContainer"
  storage_container_endpoint  = "${azurerm_storage_account.main.primary_blob_endpoint}${azurerm_storage_container.deployment.name}"
  storage_authentication_type = "SystemAssignedIdentity"
  runtime_name                = "python"
  runtime_version             = "3.11"
  maximum_instance_count      = 100
  instance_memory_in_mb       = 2048

  webdeploy_publish_basic_authentication_enabled = false

  identity {
    type = "SystemAssigned"
  }

  site_config {
    minimum_tls_version                    = "1.2"
    application_insights_connection_string = azurerm_application_insights.main.connection_string
    http2_enabled                          = true
  }

  app_settings = merge(local.platform_settings, local.durable_settings, local.code_settings)
}
