variable "name" {
  description = "Name prefix of the key aliases, e.g. kasho-production (aliases alias/<name>-storage, alias/<name>-customer-data)."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Days a scheduled key deletion waits before it happens (7-30); the longest window gives time to notice a mistake."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every key."
  type        = map(string)
  default     = {}
}
