// Placeholder so the target builds before its sources land; delete it with the first real file.
enum ShippingServicePlaceholder {}
