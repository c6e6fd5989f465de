terraform {
  required_version = ">= 1.9.0"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.50"
    }
    # The Durable Task Scheduler has no azurerm resource in the 4.x releases pinned here; azapi declares it
    # by its ARM type and API version, as the Bicep does.
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.4"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "azurerm" {
  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }
  # The storage account has shared keys off, so the provider reaches its data plane with Entra ID.
  storage_use_azuread = true
}

provider "azapi" {}
