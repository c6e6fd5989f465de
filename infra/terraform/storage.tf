# The storage account: the Functions host and Durable Functions (blobs, queues, tables), call recordings,
# cached prompt audio and the deployment package. No shared keys, no public blobs.

resource "azurerm_storage_account" "main" {
  name                            = local.names.storage
  location                        = azurerm_resource_group.main.location
  resource_group_name             = azurerm_resource_group.main.name
  account_kind                    = "StorageV2"
  account_tier                    = "Standard"
  account_replication_type        = "GZRS" # call recordings must never be lost
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  allow_nested_items_to_be_public = false
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  tags                            = local.tags

  blob_properties {
    delete_retention_policy {
      days = 7
    }
    container_delete_retention_policy {
      days = 7
    }
    # The web app PUTs an agent's file to the write-only link the API gave it: a cross-origin request, so the
    # blob service answers its preflight for the site's origin only, and only for PUT.
    cors_rule {
      allowed_origins    = ["https://${azurerm_static_web_app.main.default_host_name}"]
      allowed_methods    = ["PUT"]
      allowed_headers    = ["content-type", "x-ms-blob-type", "x-ms-blob-content-type", "x-ms-version", "x-ms-date", "x-ms-client-request-id"]
      exposed_headers    = ["etag", "x-ms-request-id"]
      max_age_in_seconds = 3600
    }
  }
}

resource "azurerm_storage_container" "recordings" {
  name                  = "recordings"
  storage_account_id    = azurerm_storage_account.main.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "prompt_audio" {
  name                  = "prompt-audio"
  storage_account_id    = azurerm_storage_account.main.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "deployment" {
  name                  = "deployment"
  storage_account_id    = azurerm_storage_account.main.id
  container_access_type = "private"
}

# Who read, wrote or deleted a recording (blobs) or a durable work item (queues), kept in Log Analytics.
resource "azurerm_monitor_diagnostic_setting" "storage_audit" {
  for_each                   = toset(["blobServices", "queueServices"])
  name                       = "audit"
  target_resource_id         = "${azurerm_storage_account.main.id}/${each.key}/default"
  log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id

  dynamic "enabled_log" {
    for_each = ["StorageRead", "StorageWrite", "StorageDelete"]
    content {
      category = enabled_log.value
    }
  }
}
