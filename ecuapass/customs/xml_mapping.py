"""The DAI in XML (docs/edocs-xml.md): the type's mapping onto its JSON payload.

Element names follow the WCO Data Model where practical.
"""

from ecuapass.edocs.xml import XmlMapping

HEADER = (
    ("TypeCode", "tipo_documento"),
    ("CustomsOfficeCode", "distrito"),
    ("ProcedureCode", "regimen"),
    ("DispatchTypeCode", "tipo_despacho"),
    ("Declarant/ID", "declarante.ruc"),
    ("Declarant/Name", "declarante.nombre"),
    ("Declarant/OceCode", "declarante.codigo_oce"),
    ("Importer/ID", "importador.ruc"),
    ("Importer/Name", "importador.nombre"),
    ("TransportContractDocument/MRN", "documento_transporte.mrn"),
    ("TransportContractDocument/MSN", "documento_transporte.msn"),
    ("TransportContractDocument/HSN", "documento_transporte.hsn"),
    ("OriginCountryCode", "pais_origen"),
    ("ExportCountryCode", "pais_procedencia"),
    ("LoadingCountryCode", "pais_embarque"),
    ("LoadingLocation", "puerto_embarque"),
    ("LoadingDate", "fecha_embarque"),
    ("ArrivalDate", "fecha_llegada"),
    ("TradeTerms/ConditionCode", "incoterm"),
    ("CurrencyExchange/CurrencyTypeCode", "moneda"),
    ("CurrencyExchange/RateNumeric", "tipo_cambio"),
    ("PaymentMethodCode", "forma_pago"),
    ("Invoice/ID", "factura.numero"),
    ("Invoice/IssueDate", "factura.fecha"),
    ("Totals/FOBValueAmount", "totales.fob"),
    ("Totals/FreightChargeAmount", "totales.flete"),
    ("Totals/InsuranceAmount", "totales.seguro"),
    ("Totals/CustomsValueAmount", "totales.cif"),
    ("Totals/NetNetWeightMeasure", "totales.peso_neto"),
    ("Totals/GrossMassMeasure", "totales.peso_bruto"),
    ("Totals/TotalGoodsItemQuantity", "totales.numero_items"),
)
ITEM = (
    ("TariffClassificationCode", "subpartida"),
    ("Description", "descripcion"),
    ("OriginCountryCode", "pais_origen"),
    ("Quantity", "cantidad_fisica"),
    ("Quantity/@unitCode", "unidad_fisica"),
    ("CommercialQuantity", "cantidad_comercial"),
    ("CommercialQuantity/@unitCode", "unidad_comercial"),
    ("NetNetWeightMeasure", "peso_neto"),
    ("GrossMassMeasure", "peso_bruto"),
    ("FOBValueAmount", "fob"),
    ("FreightChargeAmount", "flete"),
    ("InsuranceAmount", "seguro"),
    ("AdditionalDocument/ID", "documento_control_numero"),
)

DAI_XML = XmlMapping(header=HEADER, item_element="GovernmentAgencyGoodsItem", item=ITEM)
